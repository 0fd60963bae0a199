import { Select, Text } from '@mantine/core';
import { IconBuildingStore } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSession, useSwitchWorkspace } from '../auth/session';
import { useNotifyError } from '../shared/errors';

/** A select when the user belongs to more than one workspace, else just the name. */
export function WorkspaceSwitcher() {
  const { t } = useTranslation();
  const session = useSession();
  const switchWorkspace = useSwitchWorkspace();
  const notifyError = useNotifyError();
  const navigate = useNavigate();

  if (session.workspaces.length <= 1) {
    return (
      <Text size="sm" c="dimmed" visibleFrom="sm" data-testid="workspace-name">
        {session.workspace.name}
      </Text>
    );
  }
  return (
    <Select
      aria-label={t('layout.workspace')}
      size="xs"
      w={180}
      visibleFrom="xs"
      leftSection={<IconBuildingStore size={14} />}
      data={session.workspaces.map((w) => ({ value: w.id, label: w.name }))}
      value={session.workspace.id}
      allowDeselect={false}
      disabled={switchWorkspace.isPending}
      onChange={(id) => {
        if (!id || id === session.workspace.id) return;
        switchWorkspace.mutate(id, { onSuccess: () => navigate('/'), onError: notifyError });
      }}
      data-testid="workspace-switcher"
    />
  );
}
