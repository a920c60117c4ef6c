import type { Client, Service } from "@flotilla/client";
import { NotFoundError } from "@flotilla/transport";
import { NotFoundInSwarmError } from "../../errors.js";

/** The service by name or ID, or `service "NAME" not found`. */
export async function findService(client: Client, name: string): Promise<Service> {
  try {
    return await client.services.get(name);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundInSwarmError("service", name);
    throw error;
  }
}
