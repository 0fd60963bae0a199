import { Button, Menu } from '@mantine/core';
import { IconBraces } from '@tabler/icons-react';
import { createContext, type RefObject, useContext } from 'react';
import { useTranslation } from 'react-i18next';

/** The field a variable goes into: the last Liquid field that had focus. */
export interface InsertTarget {
  element: HTMLInputElement | HTMLTextAreaElement;
  set: (value: string) => void;
}

export const InsertTargetContext = createContext<RefObject<InsertTarget | null> | null>(null);

export function useInsertTarget() {
  return useContext(InsertTargetContext);
}

const VARIABLES = [
  ['firstName', '{{ customer.first_name }}'],
  ['fullName', '{{ customer.full_name }}'],
  ['birthdayJalali', '{{ customer.birthday | jalali }}'],
  ['city', '{{ customer.city }}'],
  ['lastOrderTotal', '{{ last_order.total_minor | toman }}'],
  ['lastOrderDate', '{{ last_order.placed_at | jalali }}'],
  ['unsubscribe', '{{ links.unsubscribe }}'],
  ['preferences', '{{ links.preferences }}'],
  ['brand', '{{ brand.name }}'],
  ['today', '{{ now | jalali }}'],
] as const;

/** Inserts a Liquid variable at the caret of the last edited field. */
export function VariableMenu() {
  const { t } = useTranslation();
  const target = useInsertTarget();
  const insert = (snippet: string) => {
    const current = target?.current;
    if (!current) return;
    const { element } = current;
    const start = element.selectionStart ?? element.value.length;
    const end = element.selectionEnd ?? start;
    current.set(element.value.slice(0, start) + snippet + element.value.slice(end));
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="light" size="xs" leftSection={<IconBraces size={14} />} title={t('templates.editor.insertHint')} data-testid="variable-menu">
          {t('templates.editor.insertVariable')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {VARIABLES.map(([key, snippet]) => (
          <Menu.Item key={key} onClick={() => insert(snippet)} rightSection={<code dir="ltr">{snippet}</code>} data-testid={`variable-${key}`}>
            {t(`templates.variables.${key}`)}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
