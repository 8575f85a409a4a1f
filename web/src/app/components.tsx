// Small pieces every page uses: error alerts with the server's message, page headers, timestamps.
import {
  Alert,
  Anchor,
  Button,
  type ButtonProps,
  Card,
  type CardProps,
  CopyButton,
  FileInput,
  type FileInputProps,
  Group,
  Skeleton,
  Stack,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconCopy } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { ApiError } from "./api.ts";
import { formatLocal, formatRelative, formatUtc } from "./format.ts";

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title} role="alert">
      <Text size="sm">{message}</Text>
      {requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          Request ID: {requestId}
        </Text>
      )}
    </Alert>
  );
}

export function PageHeader({
  title,
  description,
  back,
  actions,
}: {
  title: string;
  description?: ReactNode;
  /** A record's page: the link back to its list, after the description. */
  back?: { to: string; label: string };
  actions?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="nowrap">
      <Stack gap={4}>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
            {back && (
              <>
                {" "}
                ·{" "}
                <Anchor component={Link} to={back.to}>
                  {back.label}
                </Anchor>
              </>
            )}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

/** A bordered card under its heading (level `order`, drawn at h4 size, or h5 for a level-5 heading),
 * the error of its read first. */
export function SectionCard({
  title,
  order = 4,
  error,
  children,
  ...card
}: CardProps & { title: ReactNode; order?: 3 | 4 | 5; error?: unknown; children?: ReactNode }) {
  return (
    <Card withBorder {...card}>
      <Title order={order} size={order === 5 ? "h5" : "h4"} mb="xs">
        {title}
      </Title>
      <ErrorAlert error={error} />
      {children}
    </Card>
  );
}

/** A time in the viewer's zone; hover shows it in UTC. */
export function Timestamp({ iso, relative = false }: { iso: string | null; relative?: boolean }) {
  if (!iso)
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  return (
    <Tooltip label={relative ? `${formatLocal(iso)} (${formatUtc(iso)})` : formatUtc(iso)} withArrow>
      <Text span size="sm" style={{ whiteSpace: "nowrap" }}>
        <time dateTime={iso}>{relative ? formatRelative(iso) : formatLocal(iso)}</time>
      </Text>
    </Tooltip>
  );
}

/** A list read's states: the error, a placeholder while loading, `empty` when none, else its rows. */
export function ListState<T>({
  q,
  empty,
  children,
}: {
  q: { error: unknown; isLoading: boolean; data?: readonly T[] | undefined };
  empty: ReactNode;
  children(rows: readonly T[]): ReactNode;
}) {
  return (
    <>
      <ErrorAlert error={q.error} />
      {q.isLoading && !q.data && <Skeleton h={200} />}
      {q.data?.length === 0 && empty}
      {q.data && q.data.length > 0 && children(q.data)}
    </>
  );
}

/** A dialog's buttons: the way back (`cancel`), then the action (`children`), at the right. */
export function ModalActions({
  cancel = "Cancel",
  onCancel,
  children,
}: {
  cancel?: string;
  onCancel(): void;
  children: ReactNode;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {cancel}
      </Button>
      {children}
    </Group>
  );
}

/** A button that copies `value` and says "Copied" once it has; `withIcon` adds a copy
 * icon that turns to a teal check. */
export function CopyValueButton({
  value,
  label = "Copy",
  withIcon = false,
  ...button
}: ButtonProps & { value: string; label?: string; withIcon?: boolean }) {
  const iconSize = button.size === "xs" ? 14 : 16;
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          variant="light"
          color={withIcon && copied ? "teal" : undefined}
          onClick={copy}
          leftSection={withIcon && (copied ? <IconCheck size={iconSize} /> : <IconCopy size={iconSize} />)}
          {...button}
        >
          {copied ? "Copied" : label}
        </Button>
      )}
    </CopyButton>
  );
}

/** Files for one upload: the first five picked (the server takes at most five a request). */
export function FilesInput({
  value,
  onChange,
  ...input
}: Omit<FileInputProps<true>, "multiple" | "value" | "onChange"> & {
  value: File[];
  onChange(files: File[]): void;
}) {
  return <FileInput multiple value={value} onChange={(f) => onChange(f.slice(0, 5))} clearable {...input} />;
}
