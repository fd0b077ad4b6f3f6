import { describe, expect, it } from "vitest";
import { encodeCommands, RedisReplyError, ReplyReader, type Reply } from "./script-pipe";

describe("encodeCommands", () => {
  it("writes RESP arrays of bulk strings, with byte (not character) lengths", () => {
    expect(encodeCommands([["EXISTS", "ml:counters:ready"], ["SET", "k", "é€"]])).toBe(
      "*2\r\n$6\r\nEXISTS\r\n$17\r\nml:counters:ready\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\né€\r\n",
    );
  });
});

describe("ReplyReader", () => {
  const stream = ":1\r\n+OK\r\n-NOSCRIPT No matching script\r\n$7\r\na\r\nb€\r\n$-1\r\n:-42\r\n$0\r\n\r\n";
  const expected: Reply[] = [1, "OK", new RedisReplyError("NOSCRIPT No matching script"), "a\r\nb€", null, -42, ""];

  const read = (chunks: Buffer[]) => {
    const replies: Reply[] = [];
    const reader = new ReplyReader((reply) => replies.push(reply));
    for (const chunk of chunks) reader.push(chunk);
    return replies;
  };

  it("reads integers, simple strings, errors, bulk strings (holding CRLF and UTF-8) and nil", () => {
    const replies = read([Buffer.from(stream)]);
    expect(replies).toEqual(expected);
    expect(replies[2]).toBeInstanceOf(RedisReplyError);
  });

  it("reads the same replies however the stream is cut, down to single bytes", () => {
    const bytes = Buffer.from(stream);
    expect(read([...bytes].map((b) => Buffer.from([b])))).toEqual(expected);
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const size = 1 + (seed % 9);
        chunks.push(Buffer.from(bytes.subarray(at, at + size)));
        at += size;
      }
      expect(read(chunks)).toEqual(expected);
    }
  });

  it("refuses a reply kind it does not read (an array)", () => {
    const reader = new ReplyReader(() => {});
    expect(() => reader.push(Buffer.from("*1\r\n:1\r\n"))).toThrow(/unexpected RESP reply type/);
  });
});
