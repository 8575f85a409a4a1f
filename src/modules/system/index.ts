// What the server may use of the system module: its routes (health, the programme overview).
export { systemRoutes } from "./routes.ts";
