#!/usr/bin/env node
// Vafa runs its TypeScript sources directly (tsx); no build step for the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
