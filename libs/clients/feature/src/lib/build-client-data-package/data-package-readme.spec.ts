import { dataPackageReadme, escapeHtml } from './data-package-readme';

describe('README.html of the data package', () => {
  const facts = {
    tenantId: 'chain-<script>alert(1)</script>',
    clientId: 'c-1',
    requestId: 'r-1',
    generatedAt: '2025-06-15T10:00:00.000Z',
    retentionDays: 7,
    files: [{ path: 'photos/"x"/<img src=x onerror=alert(1)>.png', sha256: 'ab'.repeat(32), byteLength: 12 }],
  };

  it('escapes every value it shows, in text and in attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const page = dataPackageReadme('en', facts);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('chain-&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('href="photos/&quot;x&quot;/&lt;img src=x onerror=alert(1)&gt;.png"');
    expect(page).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it("speaks the chain's language: the Art. 15 information and the file index in pl, ru and en", () => {
    expect(dataPackageReadme('pl', facts)).toContain('<html lang="pl">');
    expect(dataPackageReadme('pl', facts)).toContain('Cele przetwarzania');
    expect(dataPackageReadme('ru', facts)).toContain('Цели обработки');
    for (const language of ['pl', 'ru', 'en'] as const) {
      const page = dataPackageReadme(language, facts);
      // Purposes, categories, recipients, retention, rights, source: six sections, then the files.
      expect(page.match(/<h2>/g)).toHaveLength(8);
      expect(page).toContain('ab'.repeat(32));
    }
  });
});
