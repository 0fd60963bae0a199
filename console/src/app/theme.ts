import { createTheme } from '@mantine/core';

/** System fonts first; Noto Sans Arabic / Vazirmatn cover Persian and Arabic where present. */
const fontFamily =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Vazirmatn, 'Noto Sans Arabic', Tahoma, sans-serif";

export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'md',
  fontFamily,
  headings: { fontFamily },
});
