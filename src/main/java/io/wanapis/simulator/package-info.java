/**
 * The provider simulator: a fake upstream that speaks the real wire protocols of OpenAI, Azure OpenAI
 * ({@code /openai/deployments/...}), Anthropic Messages ({@code /v1/messages}), Gemini
 * ({@code /v1beta/models/...:generateContent}) and AWS Bedrock Converse ({@code /model/{modelId}/converse},
 * {@code /converse-stream} as a binary event stream), for tests, benchmarks and demos of the gateway without a real
 * provider; {@link io.wanapis.simulator.Protocol} picks the dialect from the path.
 *
 * <p>Start it with {@code new Simulator(vertx, SimulatorOptions.fast()).listen("127.0.0.1", 0)} (or
 * {@link io.wanapis.simulator.SimulatorMain#start}) and point an OpenAI client at
 * {@code http://127.0.0.1:<port>/v1}. It serves:
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: text, streams ({@code data:} chunks, {@code [DONE]}, usage
 *       chunk with {@code stream_options.include_usage}), tool calls, {@code response_format} JSON, {@code n},
 *       {@code max_tokens}/{@code max_completion_tokens}; the reply is deterministic for a given request
 *   <li>{@code POST /v1/completions}: legacy text completions, plain and streamed
 *   <li>{@code POST /v1/embeddings}: deterministic unit vectors, {@code float} or {@code base64}
 *   <li>{@code GET /v1/models}, {@code GET /v1/models/{id}}
 * </ul>
 *
 * Faults are injected per request with the {@code x-sim-fault} header or for all requests with
 * {@link io.wanapis.simulator.SimulatorOptions#defaultFault()}; {@link io.wanapis.simulator.FaultPlan}
 * documents the syntax. {@link io.wanapis.simulator.Simulator#stats()} counts requests and client
 * cancellations and keeps the last requests.
 */
package io.wanapis.simulator;
