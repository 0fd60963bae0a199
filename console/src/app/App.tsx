import { DirectionProvider, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthGate } from '../auth/AuthGate';
import { directionOf, initialLanguage } from '../i18n/language';
import { AppLayout } from '../layout/AppLayout';
import { NotFound } from '../layout/NotFound';
import { PAGES } from './pages';
import { createQueryClient } from './queryClient';
import { theme } from './theme';

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <DirectionProvider initialDirection={directionOf(initialLanguage())}>
      <MantineProvider theme={theme}>
        <Notifications position="top-center" />
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthGate>
              <Routes>
                <Route element={<AppLayout />}>
                  <Route index element={<Navigate to={PAGES[0]?.path ?? '/customers'} replace />} />
                  {PAGES.flatMap((page) =>
                    page.routes.map((route) => <Route key={route.path} path={route.path} element={<route.component />} />),
                  )}
                  <Route path="*" element={<NotFound />} />
                </Route>
              </Routes>
            </AuthGate>
          </BrowserRouter>
        </QueryClientProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}
