import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Determinism: results that format dates must not depend on the machine.
    env: { TZ: 'UTC' },
    // A time-out catches a hang, not slowness: generous, so a busy two-core
    // machine never fails a test that would pass on a quiet one.
    testTimeout: 120_000,
  },
});
