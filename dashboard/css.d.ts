// Side-effect CSS imports are handled by Vite's bundler.
declare module '*.css';
