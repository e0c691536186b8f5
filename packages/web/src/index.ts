// Node-side helpers of the web package (the browser app itself is under app/).
export { ensureWebBuilt } from './ensure-built.ts';
export { inputsHash, isBuildCurrent, STAMP_FILE, WEB_DIST, WEB_ROOT } from './build-inputs.ts';
