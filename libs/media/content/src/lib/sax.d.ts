/**
 * The part of sax 1.x (a strict, non-validating XML parser without DTD processing, installed
 * with minio's xml2js) that the SVG sanitiser uses; sax ships no types and @types/sax is not
 * installed.
 */
declare module 'sax' {
  export interface QualifiedAttribute {
    readonly name: string;
    readonly value: string;
    readonly prefix: string;
    readonly local: string;
    readonly uri: string;
  }

  export interface QualifiedTag {
    readonly name: string;
    readonly prefix: string;
    readonly local: string;
    readonly uri: string;
    readonly attributes: Readonly<Record<string, QualifiedAttribute>>;
    readonly isSelfClosing: boolean;
  }

  export interface SAXOptions {
    readonly xmlns?: boolean;
    readonly strictEntities?: boolean;
    readonly position?: boolean;
    readonly trim?: boolean;
    readonly normalize?: boolean;
  }

  export interface SAXParser {
    onopentag: (tag: QualifiedTag) => void;
    onclosetag: (name: string) => void;
    ontext: (text: string) => void;
    oncdata: (text: string) => void;
    oncomment: (comment: string) => void;
    onprocessinginstruction: (instruction: { name: string; body: string }) => void;
    ondoctype: (doctype: string) => void;
    onerror: (error: Error) => void;
    write(chunk: string): SAXParser;
    close(): SAXParser;
  }

  export function parser(strict: true, options: SAXOptions & { xmlns: true }): SAXParser;
}
