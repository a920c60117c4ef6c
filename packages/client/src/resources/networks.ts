import type { FilterValue } from "@flotilla/transport";
import type { Network, NetworkCreateRequest } from "@flotilla/types";
import { filtersQuery } from "../filters.js";
import type { RawApi } from "../raw.js";

export interface NetworkCreateOptions {
  name: string;
  /** `overlay` by default: the driver swarm services attach to. */
  driver?: string;
  /** Let standalone containers attach too. */
  attachable?: boolean;
  internal?: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  ipam?: {
    driver?: string;
    config?: Array<{
      subnet?: string;
      ipRange?: string;
      gateway?: string;
      auxAddresses?: Record<string, string>;
    }>;
    options?: Record<string, string>;
  };
  enableIPv6?: boolean;
}

export class Networks {
  readonly #api: RawApi;

  constructor(api: RawApi) {
    this.#api = api;
  }

  list(
    filters: {
      id?: FilterValue;
      name?: FilterValue;
      label?: FilterValue;
      driver?: FilterValue;
      scope?: FilterValue;
    } = {},
  ): Promise<Network[]> {
    return this.#api.raw("GET /networks", { query: { filters: filtersQuery(filters) } });
  }

  inspect(id: string, options: { verbose?: boolean } = {}): Promise<Network> {
    return this.#api.raw("GET /networks/{id}", {
      path: { id },
      query: options.verbose ? { verbose: true } : undefined,
    });
  }

  /** Creates a network and returns its ID. */
  async create(options: NetworkCreateOptions): Promise<string> {
    const { ipam } = options;
    const body: NetworkCreateRequest = {
      Name: options.name,
      Driver: options.driver ?? "overlay",
      ...(options.attachable !== undefined && { Attachable: options.attachable }),
      ...(options.internal !== undefined && { Internal: options.internal }),
      ...(options.labels && { Labels: options.labels }),
      ...(options.options && { Options: options.options }),
      ...(options.enableIPv6 !== undefined && { EnableIPv6: options.enableIPv6 }),
      ...(ipam && {
        IPAM: {
          Driver: ipam.driver ?? "default",
          ...(ipam.options && { Options: ipam.options }),
          Config: (ipam.config ?? []).map((c) => ({
            ...(c.subnet && { Subnet: c.subnet }),
            ...(c.ipRange && { IPRange: c.ipRange }),
            ...(c.gateway && { Gateway: c.gateway }),
            ...(c.auxAddresses && { AuxiliaryAddresses: c.auxAddresses }),
          })),
        },
      }),
    };
    const created = await this.#api.raw("POST /networks/create", { body });
    return created.Id ?? "";
  }

  async remove(id: string): Promise<void> {
    await this.#api.raw("DELETE /networks/{id}", { path: { id } });
  }
}
