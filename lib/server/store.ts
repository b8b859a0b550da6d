// The web process's store moved down to lib/store/web.ts (lib/auth needs it, and lib/auth sits
// below lib/server). This re-export keeps the app's imports working until they point there.
export { getStore } from "../store/web";
