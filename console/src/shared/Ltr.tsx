import type { ReactNode } from 'react';

/** Phone numbers, emails, keys and ids read left-to-right even inside Persian or Arabic text. */
export function Ltr({ children }: { children: ReactNode }) {
  return (
    <bdi dir="ltr" style={{ unicodeBidi: 'isolate' }}>
      {children}
    </bdi>
  );
}
