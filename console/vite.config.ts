// The console is built into console/dist and served by the Mandate server under /console/ (one
// process). `npm run console:dev` serves it with hot reload and proxies the API to a running server.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The budget is 400 KB gzipped for all JS; a warning well before it.
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  server: {
    proxy: { '/v1': process.env.MANDATE_URL ?? 'http://127.0.0.1:8080', '/healthz': process.env.MANDATE_URL ?? 'http://127.0.0.1:8080' },
  },
});
