// The chat widget: one classic script (IIFE) with no dependencies, console/dist/chat-widget.js, served at
// /console/chat-widget.js for clients' sites to embed. Built after the console, into the same folder.
import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    lib: {
      entry: 'widget/chat-widget.ts',
      formats: ['iife'],
      name: 'OmnigateChat',
      fileName: () => 'chat-widget.js',
    },
  },
})
