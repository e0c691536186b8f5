// Node-side helpers of the web package (the browser app itself is under app/).

export { inputsHash, isBuildCurrent, STAMP_FILE, WEB_DIST, WEB_ROOT } from './build-inputs.ts';
export { ensureWebBuilt } from './ensure-built.ts';
