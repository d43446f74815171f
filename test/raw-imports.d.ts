// Vite's `?raw` suffix imports a file as a string (used to read the real candle files in tests).
declare module "*?raw" {
  const text: string;
  export default text;
}
