// RFC 8785 canonical form and the strict parser that federation reads signed
// events with. The canonical examples are the RFC's own.
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseStrictJson, StrictJsonError } from './canonical.ts';

function refusal(text: string, maxDepth = 64): StrictJsonError {
  try {
    parseStrictJson(text, { maxDepth });
  } catch (err) {
    if (err instanceof StrictJsonError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(text.slice(0, 80))}`);
}

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalJson', () => {
  it('writes numbers as RFC 8785 appendix B lists them', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of vectors) expect(canonicalJson(fromBits(bits))).toBe(text);
    expect(() => canonicalJson(fromBits('7fffffffffffffff'))).toThrow(TypeError);
    expect(() => canonicalJson(fromBits('7ff0000000000000'))).toThrow(TypeError);
  });

  it('gives the RFC 8785 §3.2.2 example its canonical form', () => {
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(parseStrictJson(input, { maxDepth: 2 }))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in the RFC 8785 §3.2.3 example', () => {
    const input = `{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    expect(canonicalJson(parseStrictJson(input, { maxDepth: 1 }))).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes nested values without white space, whatever order the keys were made in', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true, '': {} })).toBe('{"":{},"a":true,"b":[1,{"c":"x","d":null}]}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { z: 1, y: 2 }))).toBe('{"y":2,"z":1}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson('\u2028')).toBe('"\u2028"');
  });

  it('refuses what has no JSON form', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const refused: unknown[] = [
      undefined, () => 1, 1n, Symbol('s'), NaN, Infinity, -Infinity, new Date(0), new Map(), Buffer.from('x'),
      { a: undefined }, [1, undefined], [1, , 3], { f() {} }, cyclic, 'lone \ud800', { '\udc00': 1 },
    ];
    for (const value of refused) expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('parseStrictJson', () => {
  it('reads what JSON.parse reads, with the same result', () => {
    const texts = [
      '0', '-0', '1.5e+3', '-12.25E-2', '"x"', 'true', 'false', 'null', ' [ ] ', '{}',
      '{"a":[1,2,{"b":null}],"c":"\\u00e9\\n\\t\\"\\\\\\/\\b\\f\\r","d":-0.5}',
      '\t\r\n {"emoji":"😀","lone":"\\ud800","nul":"\\u0000"}\n',
      '[[[["deep"]]]]',
    ];
    for (const text of texts) expect(parseStrictJson(text, { maxDepth: 4 })).toStrictEqual(JSON.parse(text));
  });

  it('refuses a duplicate key at the top level, even with the same value', () => {
    const err = refusal('{"a":1,"b":2,"a":1}');
    expect(err.reason).toBe('duplicate-key');
    expect(err.position).toBe(13);
    expect(err.message).toBe('duplicate key "a" at position 13');
  });

  it('refuses a duplicate key in a nested object', () => {
    expect(refusal('{"a":{"x":1,"y":{"k":1,"k":2}}}').reason).toBe('duplicate-key');
    expect(refusal('[{}, {"k":1,"k":1}]').reason).toBe('duplicate-key');
  });

  it('compares keys after unescaping', () => {
    expect(refusal('{"a":1,"\\u0061":2}').reason).toBe('duplicate-key');
    expect(refusal('{"\\/":1,"/":2}').reason).toBe('duplicate-key');
    expect(refusal('{"😀":1,"\\ud83d\\ude00":2}').reason).toBe('duplicate-key');
    // Keys that only look alike are different keys.
    expect(parseStrictJson('{"é":1,"e\\u0301":2,"A":3,"a":4}', { maxDepth: 1 })).toEqual({ é: 1, 'e\u0301': 2, A: 3, a: 4 });
  });

  it('keeps a "__proto__" key as an own property and leaves the prototype alone', () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true},"a":1}', { maxDepth: 2 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(refusal('{"__proto__":1,"__proto__":2}').reason).toBe('duplicate-key');
    expect(parseStrictJson('{"constructor":1,"toString":2}', { maxDepth: 1 })).toEqual({ constructor: 1, toString: 2 });
  });

  it('counts depth from 1 for a flat object or array', () => {
    expect(parseStrictJson('"scalar"', { maxDepth: 0 })).toBe('scalar');
    expect(refusal('[]', 0).reason).toBe('too-deep');
    expect(parseStrictJson('{"a":[]}', { maxDepth: 2 })).toEqual({ a: [] });
    const err = refusal('{"a":[]}', 1);
    expect(err.reason).toBe('too-deep');
    expect(err.position).toBe(5);
    expect(refusal('[[]]', 1).reason).toBe('too-deep');
  });

  it('refuses 10,000 nested arrays by depth, without running out of stack', () => {
    const text = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(refusal(text, 64).reason).toBe('too-deep');
    // With a limit high enough, the same text parses: no recursion.
    let value = parseStrictJson(text, { maxDepth: 10_000 });
    let depth = 0;
    while (Array.isArray(value)) {
      depth++;
      value = value[0];
    }
    expect(depth).toBe(10_000);
  });

  it('refuses malformed JSON, naming the position', () => {
    const malformed = [
      '', ' ', '[1,]', '{"a":1,}', '[,1]', "{'a':1}", "['a']", 'NaN', '[Infinity]', '-Infinity', 'undefined',
      '{"a" 1}', '{"a":1 "b":2}', '{a:1}', '{"a"}', '[1 2]', '"unterminated', '["a"', '{"a":1', '[', '{',
      '"tab\there"', '"nl\nhere"', '"\u0000"', '"\\x41"', '"\\u12"', '"\\u12g4"', '"\\"', '01', '-', '1.', '.5',
      '1e', '1e+', '+1', '0x10', '1 2', '{} {}', '[]]', 'tru', 'nulls', 'True', '\ufeff{}', '1e400', '-1e400',
      '{"a":1}x', '// c\n1', '[\u00a01]', '"\\U0041"',
    ];
    for (const text of malformed) {
      const err = refusal(text);
      expect(err.reason, JSON.stringify(text)).toBe('not-json');
      expect(err.message).toMatch(/ at position \d+$/);
    }
    expect(refusal('[1,]').position).toBe(3);
    expect(refusal('{"a":1} x').message).toBe('unexpected text after the JSON value at position 8');
    expect(refusal('[1').message).toBe("unexpected end of text, ',' or ']' expected at position 2");
  });

  it('keeps hostile keys short in its messages', () => {
    const key = 'k'.repeat(10_000);
    expect(refusal(`{"${key}":1,"${key}":2}`).message.length).toBeLessThan(100);
  });

  // Its speed is measured by npm run bench:federation, not asserted here.
  it('reads a 1 MB document the same as JSON.parse', () => {
    const records = Array.from({ length: 8_000 }, (_, i) => ({
      id: i, name: `recipient ${i} \u00e9\n"quoted"`, score: i / 7, tags: ['a', 'b\\c', null, true], nested: { at: 1_764_331_200 + i },
    }));
    const text = JSON.stringify(records);
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(parseStrictJson(text, { maxDepth: 3 })).toEqual(JSON.parse(text));
  });

  it('stays linear on long strings, many escapes and many keys', () => {
    // Quadratic work on these would take minutes and run past the test's timeout.
    const escapes = `"${'\\u00e9\\n'.repeat(100_000)}"`;
    const keys = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(parseStrictJson(escapes, { maxDepth: 0 })).toHaveLength(200_000);
    expect(Object.keys(parseStrictJson(keys, { maxDepth: 1 }) as object)).toHaveLength(50_000);
  });
});
