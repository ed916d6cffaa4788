import { inUtc } from '../../src/platform/prisma';

describe('database sessions in UTC', () => {
  it('when the URL has no startup options, then it gets the time zone', () => {
    const url = new URL(inUtc('postgresql://u:p@127.0.0.1:5432/db?sslmode=disable'));
    expect(url.searchParams.get('options')).toBe('-c TimeZone=UTC');
    expect(url.searchParams.get('sslmode')).toBe('disable');
    expect(url.pathname).toBe('/db');
  });

  it('when the URL carries startup options of its own, then they are kept and the time zone added', () => {
    const url = new URL(inUtc('postgresql://u@127.0.0.1/db?options=-c%20statement_timeout%3D30000'));
    expect(url.searchParams.get('options')).toBe('-c statement_timeout=30000 -c TimeZone=UTC');
  });
});
