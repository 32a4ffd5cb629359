import { defineConfig } from "vitest/config";

// React without @vitejs/plugin-react: esbuild compiles TSX with the automatic JSX runtime.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    // `npm run dev` proxies the API to a backend started with `make run`.
    proxy: { "/api": "http://127.0.0.1:8080", "/q": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    // The stylesheet is read as text by the theme contrast test (other CSS stays unprocessed).
    css: { include: [/styles\.css/] },
  },
});
