import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    // Determinism: results that format dates must not depend on the machine.
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
  },
});
