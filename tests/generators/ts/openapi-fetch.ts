// The contracts' types as openapi-typescript writes them, used through openapi-fetch as a frontend would.
import createClient from "openapi-fetch";
import type * as cloud from "./generated/clients";
import type * as control from "./generated/control";
import type * as emqx5 from "./generated/emqx5";

const base = "http://127.0.0.1:18083/api/v5";
const basic = { Authorization: `Basic ${btoa("app_id:app_secret")}` };

type SubscribeRequest = cloud.components["schemas"]["SubscribeRequest"];
type CloudError = cloud.components["schemas"]["Error"];

export async function subscribeWithEveryOption(clientid: string): Promise<number> {
  const api = createClient<cloud.paths>({ baseUrl: base, headers: basic });
  const body: SubscribeRequest = { topic: "t/a", qos: 2, nl: 1, rap: 1, rh: 2 };
  const { data, error } = await api.POST("/clients/{clientid}/subscribe", { params: { path: { clientid } }, body });
  if (error) {
    const failure: CloudError = error;
    throw new Error(`${failure.code}: ${failure.message}`);
  }
  const { data: client } = await api.GET("/clients/{clientid}", { params: { path: { clientid } } });
  return data.qos + (client?.subscriptions_cnt ?? 0);
}

export const topicOnly: SubscribeRequest = { topic: "t/b" };
export const options = (request: SubscribeRequest) => [request.topic, request.qos, request.nl, request.rap, request.rh];
// @ts-expect-error topic is required
export const noTopic: SubscribeRequest = { qos: 1 };
export const notFound: CloudError = { code: "CLIENTID_NOT_FOUND", message: "Client ID not found" };
// @ts-expect-error qos is a number, not a string
export const qosAsText: SubscribeRequest = { topic: "t/a", qos: "2" };
// @ts-expect-error an error code the contract does not list
export const unknownCode: CloudError = { code: "NO_SUCH_CODE", message: "" };

export async function firstPage(): Promise<string[]> {
  const api = createClient<cloud.paths>({ baseUrl: base, headers: basic });
  const { data } = await api.GET("/clients", { params: { query: { _limit: 10, clientid: ["client_1"] } } });
  return (data?.data ?? []).map((client) => `${client.clientid}@${client.ip_address}:${client["recv_msg.qos0"]}`);
}

export const emqx5TopicOnly: emqx5.components["schemas"]["SubscribeRequest"] = { topic: "t/b" };

export async function emqx5Subscribe(clientid: string): Promise<string> {
  const login = createClient<emqx5.paths>({ baseUrl: base });
  const { data: token } = await login.POST("/login", { body: { username: "admin", password: "public" } });
  const api = createClient<emqx5.paths>({ baseUrl: base, headers: { Authorization: `Bearer ${token?.token}` } });
  const body: emqx5.components["schemas"]["SubscribeRequest"] = { topic: "t/a", qos: 2, nl: 0, rap: 1, rh: 2 };
  const { data, error } = await api.POST("/clients/{clientid}/subscribe", { params: { path: { clientid } }, body });
  return error ? `${error.code}: ${error.message}` : data.topic;
}

export async function failTheNextKick(): Promise<string> {
  const api = createClient<control.paths>({ baseUrl: `${base}/_sim`, headers: basic });
  const { data } = await api.POST("/faults", { body: { operation: "kickClient", status: 503, times: 1 } });
  return data?.id ?? "";
}
