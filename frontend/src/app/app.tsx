import { SearchPage } from "../features/search/components/search-page";

export function App() {
  return (
    <>
      <a className="skip-link" href="#search-q">
        Skip to search
      </a>
      <header className="app-header">
        <h1>MedCLIP search</h1>
        <p className="tagline">Find medical figures by description or by a similar image.</p>
      </header>
      <main>
        <SearchPage />
      </main>
      <footer className="app-footer">
        A search tool for published figures, not a diagnostic device.
      </footer>
    </>
  );
}
