import { StatusPanel } from "../features/status/components/status-panel";

export function App() {
  return (
    <>
      <header className="app-header">
        <h1>MedCLIP search</h1>
        <p className="tagline">Find medical figures by description or by a similar image.</p>
      </header>
      <main>
        <StatusPanel />
      </main>
      <footer className="app-footer">
        A search tool for published figures, not a diagnostic device.
      </footer>
    </>
  );
}
