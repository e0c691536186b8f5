import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { inputsHash, STAMP_FILE } from './src/build-inputs.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// `npm run dev -w @switchboard/web` proxies the API and sockets to a running server.
const server = process.env.SWITCHBOARD_URL ?? 'http://localhost:3000';

/** Records which sources dist/ was built from, so `npm start` rebuilds only when they changed. */
function stamp(): Plugin {
  return {
    name: 'switchboard-inputs-stamp',
    apply: 'build',
    closeBundle() {
      fs.writeFileSync(STAMP_FILE, `${inputsHash()}\n`);
    },
  };
}

export default defineConfig({
  root: here('.'),
  plugins: [react(), stamp()],
  resolve: {
    // The SDK and the protocol are bundled from their TypeScript sources, whatever their
    // package.json exports point at for Node (a compiled dist/ has Node-only neighbours).
    alias: {
      '@switchboard/client': here('../client/src/index.ts'),
      '@switchboard/protocol': here('../protocol/src/index.ts'),
    },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Reported by the build; the budget (300 KB gzip for the initial load) is checked in web.test.ts.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      // The protocol's modules and zod only define things: a module none of whose exports the page
      // uses is left out (the SDK needs only the error codes, not the zod schemas).
      treeshake: {
        moduleSideEffects: (id: string) => !/[\\/](packages[\\/]protocol|node_modules[\\/]zod)[\\/]/.test(id),
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
