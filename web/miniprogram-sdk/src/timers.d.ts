// The timers every mini-program runtime (and Node, for the tests) provides;
// the SDK is compiled without the DOM library.
declare function setTimeout(handler: () => void, ms?: number): number;
declare function clearTimeout(id: number | undefined): void;
