// The empty state of a page: what lives here, and (for capabilities still to come) that it is not built yet.
import { Badge, Button, EmptyState, List, Paper, Stack, Text } from "@mantine/core";
import { type Icon, IconCompass } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { Link } from "react-router";

export function EmptyCapability({
  icon: IconComponent = IconCompass,
  title,
  description,
  features,
  comingSoon = false,
  link,
}: {
  icon?: Icon;
  title: string;
  description: ReactNode;
  features?: string[];
  comingSoon?: boolean;
  /** Where to go from here, e.g. a way back: a button to the page at `to`. */
  link?: { to: string; label: string; icon?: Icon };
}) {
  return (
    <Paper withBorder radius="md" p="xl" maw={760} mx="auto" mt="xl" data-testid="empty-state">
      <EmptyState
        icon={<IconComponent size={32} stroke={1.5} />}
        variant="light"
        title={title}
        description={description}
      >
        {(comingSoon || features || link) && (
          <EmptyState.Actions>
            <Stack gap="sm" align="center">
              {comingSoon && (
                <Badge variant="light" color="gray">
                  Not available yet in this version
                </Badge>
              )}
              {features && (
                <List size="sm" spacing={4} c="dimmed" ta="left">
                  {features.map((f) => (
                    <List.Item key={f}>
                      <Text size="sm" c="dimmed">
                        {f}
                      </Text>
                    </List.Item>
                  ))}
                </List>
              )}
              {link && (
                <Button
                  component={Link}
                  to={link.to}
                  variant="light"
                  leftSection={link.icon && <link.icon size={16} />}
                >
                  {link.label}
                </Button>
              )}
            </Stack>
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Paper>
  );
}
