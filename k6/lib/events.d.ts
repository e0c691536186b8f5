// Types of events.js for the node test (tsc); k6 ignores this file. Keys only: the values are
// checked against @switchboard/protocol at run time by packages/cli/src/k6-framing.test.ts.
type Names<K extends string> = { readonly [key in K]: string };

export declare const REQUEST: Names<
  | 'roomCreate'
  | 'roomJoin'
  | 'messageSend'
  | 'messageHistory'
  | 'presenceSetStatus'
  | 'presenceSubscribe'
  | 'callInitiate'
  | 'callAccept'
  | 'callSignal'
  | 'callEnd'
>;
export declare const SERVER_EVENT: Names<
  'connected' | 'messageNew' | 'presenceChanged' | 'callIncoming' | 'callAccepted' | 'callSignal' | 'callEnded'
>;
export declare const CLIENT_SIGNAL: Names<'typingStart'>;
