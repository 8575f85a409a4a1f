// Staff: every release plan as a timeline of its waves before T0, and (for planners) the advisory to
// plan next.
import { Anchor, Button, Card, Group, Select, SimpleGrid } from "@mantine/core";
import { IconCalendarEvent } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useCan } from "../../app/auth.tsx";
import { ListState, PageHeader } from "../../app/components.tsx";
import { EmptyCapability } from "../../app/EmptyCapability.tsx";
import { useApiList } from "../../app/query.ts";
import { StateBadge, WaveTimeline } from "./PlanParts.tsx";
import { usePartnerNames } from "./plan.ts";

export function ReleaseCalendar() {
  const canPlan = useCan("releases:write");
  const plans = useApiList("listReleasePlans");
  const advisories = useApiList("listAdvisories");
  const names = usePartnerNames();
  const byId = new Map((advisories.data ?? []).map((a) => [a.id, a]));
  const planned = new Set((plans.data ?? []).map((p) => p.advisoryId));
  const open = (advisories.data ?? []).filter((a) => !planned.has(a.id));
  const [pick, setPick] = useState<string | null>(null);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="Releases"
        description="Each advisory's public time T0 and the waves that reach each tier before it, on time and never early."
        actions={
          canPlan && (
            <Group gap="xs">
              <Select
                aria-label="Advisory to plan"
                placeholder="Plan a release for…"
                data={open.map((a) => ({ value: a.id, label: `${a.trackingId}: ${a.title}` }))}
                value={pick}
                onChange={setPick}
                searchable
                w={320}
              />
              {/* A real button: a link cannot be disabled, and one to "#" would still be followed. */}
              <Button disabled={!pick} onClick={() => pick && navigate(`/releases/${pick}`)}>
                Plan
              </Button>
            </Group>
          )
        }
      />
      <ListState
        q={plans}
        empty={
          <EmptyCapability
            icon={IconCalendarEvent}
            title="No releases planned"
            description="Plan one for an approved advisory: its waves follow from the tiers and each partner's eligibility."
          />
        }
      >
        {(rows) => (
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {rows.map((p) => (
              <Card key={p.id} withBorder padding="md">
                <Group justify="space-between" mb="sm">
                  <Anchor component={Link} to={`/releases/${p.advisoryId}`} fw={600}>
                    {byId.get(p.advisoryId)?.trackingId ?? p.advisoryId}
                    {byId.get(p.advisoryId) ? `: ${byId.get(p.advisoryId)?.title}` : ""}
                  </Anchor>
                  <StateBadge state={p.state} />
                </Group>
                <WaveTimeline plan={p} names={names} />
              </Card>
            ))}
          </SimpleGrid>
        )}
      </ListState>
    </>
  );
}
