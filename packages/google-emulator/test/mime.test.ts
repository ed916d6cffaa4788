import { decodeHeaderValue, parseAddressList, parseMessage } from '../src/mime';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('mime', () => {
  it('when headers are folded and Q/B-encoded, then they are unfolded and decoded', () => {
    const m = parseMessage(
      crlf(
        'From: =?ISO-8859-1?Q?Andr=E9_Pirard?= <pirard@example.org>',
        'To: "Doe, Jane" <jane@example.org>,',
        '\tbob@example.org (Bob), Team: carol@example.org;',
        'Subject: =?UTF-8?B?R3LDvMOfZQ==?=',
        '  =?UTF-8?Q?_und_Tsch=C3=BCss?=',
        'Bcc: hidden@example.org',
        '',
        'plain body',
      ),
    );

    expect(m.headers.from).toBe('André Pirard <pirard@example.org>');
    expect(m.headers.subject).toBe('Grüße und Tschüss');
    expect(m.to).toEqual(['jane@example.org', 'bob@example.org', 'carol@example.org']);
    expect(m.bcc).toEqual(['hidden@example.org']);
    expect(m.headerLines[1]).toBe(
      'To: "Doe, Jane" <jane@example.org>,\r\n\tbob@example.org (Bob), Team: carol@example.org;',
    );
    expect(m.body).toBe('plain body');
  });

  it('when an encoder splits a UTF-8 character across encoded-words, then the damage is visible', () => {
    const bytes = Buffer.from('ü', 'utf8');
    const split = `=?UTF-8?B?${bytes.subarray(0, 1).toString('base64')}?= =?UTF-8?B?${bytes.subarray(1).toString('base64')}?=`;
    expect(decodeHeaderValue(split)).toContain('\uFFFD');
  });

  it('when headers carry raw 8-bit text, then headersAscii is false', () => {
    expect(parseMessage(crlf('Subject: Grüße', 'To: a@example.org', '', 'x')).headersAscii).toBe(false);
  });

  it('when the body is quoted-printable inside multipart/alternative, then text and html are decoded', () => {
    const m = parseMessage(
      crlf(
        'To: a@example.org',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=C3=9Fe, a long line that is wrapped =',
        'softly',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>hi</p>',
        '--b1--',
        '',
      ),
    );

    expect(m.body).toBe('Grüße, a long line that is wrapped softly');
    expect(m.html).toBe('<p>hi</p>');
  });

  it('when an address list is empty or a bare group, then no addresses come out', () => {
    expect(parseAddressList('')).toEqual([]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([]);
  });
});
