// What the server may use of the public site: its routes (over the advisories service).
export { publicRoutes } from "./routes.ts";
