import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Served by Flask at /static/designer/ (platform/tongban/adapters/web/frontend.py reads
// dist/.vite/manifest.json to emit the hashed tags). `base` must equal that URL.
export default defineConfig({
  base: "/static/designer/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: { designer: "src/main.tsx" },
      output: {
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: "antd", test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/ },
            { name: "flow", test: /node_modules[\\/](@xyflow|d3-[^\\/]+)[\\/]/ },
            { name: "forms", test: /node_modules[\\/](@rjsf|ajv|ajv-i18n|ajv-formats|lodash|json-schema-merge-allof|jsonpointer|fast-uri|fast-deep-equal|json-schema-traverse)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
