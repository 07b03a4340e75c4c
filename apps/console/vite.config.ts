import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));

// The typed API client is the one library the console uses; it is aliased as in tsconfig.base.json.
export default defineConfig({
  root,
  plugins: [react()],
  resolve: { alias: { '@salon/api-client': `${workspace}libs/api-client/src/index.ts` } },
  build: { outDir: `${workspace}dist/apps/console`, emptyOutDir: true },
});
