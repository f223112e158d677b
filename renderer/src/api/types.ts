// The single door from the renderer into main/: types and the method list of the shared API.
// Nothing else under main/ may be imported (test/boundary.test.ts checks this).
export type * from '../../../main/core/api.ts';
export { API_METHODS, LIBRARY_SORTS, MESSAGE_CODES, PHOTO_TYPES } from '../../../main/core/api.ts';
