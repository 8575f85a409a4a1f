// The ten single-use recovery codes, shown once right after two-factor authentication is turned on.
import { Alert, Button, Code, Group, SimpleGrid, Stack, Text } from "@mantine/core";
import { IconAlertTriangle, IconDownload } from "@tabler/icons-react";
import { CopyValueButton } from "../../app/components.tsx";

export function RecoveryCodes({ codes, email, onDone }: { codes: string[]; email: string; onDone(): void }) {
  const text = `Forewarn recovery codes for ${email}\nEach code can be used once instead of an authenticator code.\n\n${codes.join("\n")}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "forewarn-recovery-codes.txt";
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Alert
      color="yellow"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title="Two-factor authentication is on. Save your recovery codes now."
      data-testid="recovery-codes"
    >
      <Stack gap="sm">
        <Text size="sm">
          If you lose your phone, each of these codes signs you in once. They are shown only this time.
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={4} maw={420}>
          {codes.map((c) => (
            <Code key={c} fz="sm">
              {c}
            </Code>
          ))}
        </SimpleGrid>
        <Group gap="xs">
          <CopyValueButton value={codes.join("\n")} label="Copy all" size="xs" withIcon />
          <Button size="xs" variant="light" onClick={download} leftSection={<IconDownload size={14} />}>
            Download .txt
          </Button>
          <Button size="xs" variant="default" onClick={onDone}>
            I have saved them
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
