// The contracts' clients as orval writes them (fetch client), used as a frontend would.
import * as cloud from "./orval/clients";
import * as control from "./orval/control";
import * as emqx5 from "./orval/emqx5";

export async function subscribeWithEveryOption(clientid: string): Promise<number> {
  const body: cloud.SubscribeRequest = { topic: "t/a", qos: 2, nl: 1, rap: 1, rh: 2 };
  const answer = await cloud.subscribe(clientid, body);
  if (answer.status !== 200) {
    const failure: cloud.Error = answer.data;
    throw new Error(`${failure.code}: ${failure.message}`);
  }
  const client = await cloud.getClient(clientid);
  return answer.data.qos + (client.status === 200 ? client.data.subscriptions_cnt : 0);
}

export const topicOnly: cloud.SubscribeRequest = { topic: "t/b" };
export const options = (request: cloud.SubscribeRequest) => [request.topic, request.qos, request.nl, request.rap, request.rh];
// @ts-expect-error topic is required
export const noTopic: cloud.SubscribeRequest = { qos: 1 };
export const notFound: cloud.Error = { code: cloud.ErrorCode.CLIENTID_NOT_FOUND, message: "Client ID not found" };
// @ts-expect-error qos is a number, not a string
export const qosAsText: cloud.SubscribeRequest = { topic: "t/a", qos: "2" };

export const emqx5TopicOnly: emqx5.SubscribeRequest = { topic: "t/b" };

export async function emqx5Subscribe(clientid: string): Promise<string> {
  const login = await emqx5.login({ username: "admin", password: "public" });
  const headers = { Authorization: `Bearer ${login.status === 200 ? login.data.token : ""}` };
  const body: emqx5.SubscribeRequest = { topic: "t/a", qos: 2, nl: 0, rap: 1, rh: 2 };
  const answer = await emqx5.subscribe(clientid, body, { headers });
  return answer.status === 200 ? answer.data.topic : `${answer.data.code}: ${answer.data.message}`;
}

export async function failTheNextKick(): Promise<string> {
  const answer = await control.addFault({ operation: "kickClient", status: 503, times: 1 });
  return answer.status === 201 ? answer.data.id : answer.data.message;
}
