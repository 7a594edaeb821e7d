/**
 * An in-process fake of the peer Gateway service (gateway.Gateway), for unit
 * tests: the real fabric-gateway client code runs against it over real gRPC
 * on 127.0.0.1. Several fake peers share one FakeLedger, so a transaction
 * submitted through one is visible through another, duplicates are detected
 * by transaction ID (DUPLICATE_TXID) and never applied twice, and failures
 * (UNAVAILABLE, delays, conflicts, chaincode errors, lost transactions,
 * dead peers) are injected per call. Each commit is a block of its own,
 * served as filtered blocks by the peer Deliver service (DeliverFiltered),
 * as the commit tracking stream reads them.
 *
 * Test-only: not exported from the package index.
 */
import * as grpc from '@grpc/grpc-js';
import { common, gateway, google, orderer, peer } from '@hyperledger/fabric-protos';

export type FakeMethod =
  'evaluate' | 'endorse' | 'submit' | 'commitStatus' | 'chaincodeEvents' | 'deliverFiltered';

/** One injected behaviour for one call. */
export interface Fault {
  /** Fail the call with this gRPC status. */
  readonly code?: grpc.status;
  readonly message?: string;
  /** Per-peer error details (a real gateway attaches them for remote failures). */
  readonly details?: readonly { address: string; mspId: string; message: string }[];
  /** Wait before answering (or failing). */
  readonly delayMs?: number;
  /** Submit only: accept, but lose the transaction (never committed), as in a Raft election. */
  readonly lose?: boolean;
  /** Submit only: accept and commit it with this validation code. */
  readonly validationCode?: number;
  /** Submit only: accept, and commit it this much later (the block is cut late). */
  readonly commitDelayMs?: number;
  /** DeliverFiltered only: start this many blocks after the requested one (a gap). */
  readonly skipBlocks?: number;
}

/** One block of the fake ledger: its transactions and their validation codes. */
export interface FakeBlock {
  readonly number: number;
  readonly txs: readonly { readonly txId: string; readonly code: number }[];
}

/**
 * Picks a fault for one call from what it asks for (evaluate and endorse:
 * the chaincode function and arguments), so a single request can be made to
 * fail on every peer while others go through.
 */
export type FaultSelector = (method: FakeMethod, fn: string, args: string[]) => Fault | undefined;

/**
 * A fake chaincode: return a payload, or throw to reject (message becomes the chaincode error).
 * `txId` is the proposal's transaction ID (what the real chaincode's stub.getTxID() returns).
 */
export type FakeChaincode = (fn: string, args: string[], txId: string) => string;

interface Committed {
  readonly code: number;
  readonly block: number;
}

/** Shared state of the fake network. */
export class FakeLedger {
  /** Transaction IDs committed VALID, in order. */
  readonly applied: string[] = [];
  /** Every envelope received per transaction ID (to check resends are identical). */
  readonly envelopes = new Map<string, Buffer[]>();
  /** Copies of a transaction ID that arrived after the first (DUPLICATE_TXID). */
  duplicates = 0;
  /** Validation codes to use for the next commits, in order (then VALID). */
  readonly nextValidationCodes: number[] = [];
  readonly events: { block: number; txId: string; name: string; payload: string }[] = [];
  /** Every block, in order (block N at index N - 1). */
  readonly blocks: FakeBlock[] = [];
  private readonly blockListeners = new Set<() => void>();
  private readonly committed = new Map<string, Committed>();
  private readonly waiters = new Map<string, ((c: Committed) => void)[]>();
  private readonly eventListeners = new Set<() => void>();
  private height = 0;

  constructor(readonly chaincode: FakeChaincode = (fn, args) => JSON.stringify({ fn, args })) {}

  receive(txId: string, envelope: Buffer, fault: Fault | undefined): void {
    const copies = this.envelopes.get(txId) ?? [];
    copies.push(envelope);
    this.envelopes.set(txId, copies);
    if (fault?.lose) return;
    // Order asynchronously, like a block being cut after the Submit returns.
    const commit = () => this.commit(txId, fault?.validationCode);
    if (fault?.commitDelayMs) setTimeout(commit, fault.commitDelayMs);
    else setImmediate(commit);
  }

  private commit(txId: string, validationCode: number | undefined): void {
    if (this.committed.has(txId)) {
      // A later copy is committed invalid in a block of its own, never applied.
      this.duplicates++;
      this.addBlock([{ txId, code: peer.TxValidationCode.DUPLICATE_TXID }]);
      return;
    }
    const code = validationCode ?? this.nextValidationCodes.shift() ?? peer.TxValidationCode.VALID;
    const c = { code, block: ++this.height };
    this.committed.set(txId, c);
    this.blocks.push({ number: c.block, txs: [{ txId, code }] });
    for (const l of this.blockListeners) l();
    if (code === peer.TxValidationCode.VALID) {
      this.applied.push(txId);
      this.events.push({ block: c.block, txId, name: 'Committed', payload: txId });
      for (const l of this.eventListeners) l();
    }
    for (const w of this.waiters.get(txId) ?? []) w(c);
    this.waiters.delete(txId);
  }

  /** Waits for a commit (the real CommitStatus blocks until the transaction commits). */
  whenCommitted(txId: string): Promise<Committed> {
    const c = this.committed.get(txId);
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => {
      const list = this.waiters.get(txId) ?? [];
      list.push(resolve);
      this.waiters.set(txId, list);
    });
  }

  /** Appends an event in a block of its own (for event stream tests). */
  emitEvent(name: string, payload: string): void {
    const block = this.addBlock([{ txId: `tx-${this.height + 1}`, code: peer.TxValidationCode.VALID }]);
    this.events.push({ block, txId: `tx-${block}`, name, payload });
    for (const l of this.eventListeners) l();
  }

  /** Appends a block with these transactions; returns its number. */
  addBlock(txs: FakeBlock['txs']): number {
    const number = ++this.height;
    this.blocks.push({ number, txs });
    for (const l of this.blockListeners) l();
    return number;
  }

  onBlock(listener: () => void): () => void {
    this.blockListeners.add(listener);
    return () => this.blockListeners.delete(listener);
  }

  /** Appends one block holding one event per payload, each from its own transaction, in order. */
  emitBlock(name: string, payloads: readonly string[]): void {
    const block = this.height + 1;
    const txIds = payloads.map((_, i) => `tx-${block}-${i}`);
    this.addBlock(txIds.map((txId) => ({ txId, code: peer.TxValidationCode.VALID })));
    payloads.forEach((payload, i) => this.events.push({ block, txId: txIds[i]!, name, payload }));
    for (const l of this.eventListeners) l();
  }

  /** Blocks on the channel, genesis included: what qscc GetChainInfo reports as the height. */
  get blockHeight(): number {
    return this.height + 1;
  }

  onEvent(listener: () => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }
}

/** A fake peer gateway on 127.0.0.1 with a random port. */
export class FakeGatewayPeer {
  readonly calls: Record<FakeMethod, number> = {
    evaluate: 0,
    endorse: 0,
    submit: 0,
    commitStatus: 0,
    chaincodeEvents: 0,
    deliverFiltered: 0,
  };
  /** Client addresses (ip:port) seen: one per HTTP/2 connection. */
  readonly connections = new Set<string>();
  /** Highest number of unary calls in progress at once. */
  maxConcurrent = 0;
  private concurrent = 0;
  private readonly queued: Record<FakeMethod, Fault[]> = {
    evaluate: [],
    endorse: [],
    submit: [],
    commitStatus: [],
    chaincodeEvents: [],
    deliverFiltered: [],
  };
  private readonly sticky: Partial<Record<FakeMethod, Fault>> = {};
  /** Per-request faults, consulted when no queued or sticky fault applies. */
  faultFor: FaultSelector | undefined;
  /**
   * Event streams ignore after_transaction_id and send the whole start block
   * again, as a peer that replays a block would.
   */
  replayStartBlock = false;
  private server: grpc.Server | undefined;
  private readonly streams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  private readonly deliverStreams = new Set<grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>>();

  private constructor(
    readonly ledger: FakeLedger,
    readonly mspId: string,
    public port: number,
  ) {}

  /** Starts a fake peer; `port` 0 picks a free one. */
  static async start(ledger: FakeLedger, mspId = 'Org1MSP', port = 0): Promise<FakeGatewayPeer> {
    const p = new FakeGatewayPeer(ledger, mspId, port);
    await p.listen();
    return p;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Injects a fault for the next `times` calls of a method. */
  inject(method: FakeMethod, fault: Fault, times = 1): this {
    for (let i = 0; i < times; i++) this.queued[method].push(fault);
    return this;
  }

  /** Applies a fault to every call of a method until cleared with undefined. */
  always(method: FakeMethod, fault: Fault | undefined): this {
    if (fault) this.sticky[method] = fault;
    else delete this.sticky[method];
    return this;
  }

  /** Kills the peer: open connections and streams drop, new ones are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.streams) s.destroy(new Error('peer stopped'));
    this.streams.clear();
    this.dropDeliverStreams();
    server.forceShutdown();
    await new Promise((r) => setImmediate(r));
  }

  /** Ends every open DeliverFiltered stream with UNAVAILABLE (the peer stays up). */
  dropDeliverStreams(): void {
    for (const s of this.deliverStreams) {
      s.emit('error', statusError(grpc.status.UNAVAILABLE, 'deliver stream dropped', []));
    }
    this.deliverStreams.clear();
  }

  /** Open DeliverFiltered streams. */
  get openDeliverStreams(): number {
    return this.deliverStreams.size;
  }

  /** Restarts on the same port. */
  async restart(): Promise<void> {
    if (!this.server) await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new grpc.Server();
    server.addService(gateway.GatewayService, {
      evaluate: this.unary('evaluate', (req: gateway.EvaluateRequest) => this.evaluate(req)),
      endorse: this.unary('endorse', (req: gateway.EndorseRequest) => this.endorse(req)),
      submit: this.unary('submit', (req: gateway.SubmitRequest, fault) => this.submit(req, fault)),
      commitStatus: this.unary('commitStatus', (req: gateway.SignedCommitStatusRequest) =>
        this.commitStatus(req),
      ),
      chaincodeEvents: (
        call: grpc.ServerWritableStream<
          gateway.SignedChaincodeEventsRequest,
          gateway.ChaincodeEventsResponse
        >,
      ) => this.chaincodeEvents(call),
    });
    server.addService(DELIVER_SERVICE, {
      deliver: (call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>) =>
        call.emit('error', statusError(grpc.status.UNIMPLEMENTED, 'fake peer: full blocks not served', [])),
      deliverFiltered: (call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>) =>
        this.deliverFiltered(call),
      deliverWithPrivateData: (call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>) =>
        call.emit('error', statusError(grpc.status.UNIMPLEMENTED, 'fake peer: private data not served', [])),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    this.server = server;
  }

  private takeFault(method: FakeMethod): Fault | undefined {
    return this.queued[method].shift() ?? this.sticky[method];
  }

  private unary<Req, Res>(
    method: FakeMethod,
    handle: (req: Req, fault: Fault | undefined) => Promise<Res> | Res,
  ) {
    return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
      this.calls[method]++;
      this.connections.add(call.getPeer());
      this.concurrent++;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
      const fault = this.takeFault(method) ?? this.selectFault(method, call.request);
      const finish = (err: Partial<grpc.StatusObject> | null, res?: Res) => {
        this.concurrent--;
        if (err) callback(err);
        else callback(null, res);
      };
      void (async () => {
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault?.code !== undefined) {
          finish(
            statusError(
              fault.code,
              fault.message ?? `injected ${grpc.status[fault.code]}`,
              fault.details ?? [],
            ),
          );
          return;
        }
        try {
          finish(null, await handle(call.request, fault));
        } catch (err) {
          finish(err as Partial<grpc.StatusObject>);
        }
      })();
    };
  }

  private selectFault(method: FakeMethod, request: unknown): Fault | undefined {
    if (!this.faultFor) return undefined;
    if (request instanceof gateway.EvaluateRequest || request instanceof gateway.EndorseRequest) {
      const [fn = '', ...args] = proposalArgs(request.getProposedTransaction());
      return this.faultFor(method, fn, args);
    }
    return this.faultFor(method, '', []);
  }

  private runChaincode(
    signedProposal: peer.SignedProposal | undefined,
  ): { ok: true; payload: string } | { ok: false; message: string } {
    const [fn = '', ...rest] = proposalArgs(signedProposal);
    try {
      return { ok: true, payload: this.ledger.chaincode(fn, rest, proposalTxId(signedProposal)) };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }

  private evaluate(req: gateway.EvaluateRequest): gateway.EvaluateResponse {
    const chainInfo = this.systemQuery(req);
    if (chainInfo) return chainInfo;
    const outcome = this.runChaincode(req.getProposedTransaction());
    if (!outcome.ok) {
      const detail = `chaincode response 500, ${outcome.message}`;
      throw statusError(grpc.status.UNKNOWN, `evaluate call to endorser returned error: ${detail}`, [
        { address: this.address, mspId: this.mspId, message: detail },
      ]);
    }
    const response = new peer.Response();
    response.setStatus(200);
    response.setPayload(Buffer.from(outcome.payload));
    const res = new gateway.EvaluateResponse();
    res.setResult(response);
    return res;
  }

  /** qscc GetChainInfo, answered from the shared ledger as a peer would; undefined for other calls. */
  private systemQuery(req: gateway.EvaluateRequest): gateway.EvaluateResponse | undefined {
    const proposed = req.getProposedTransaction();
    if (proposalChaincode(proposed) !== 'qscc') return undefined;
    const [fn] = proposalArgs(proposed);
    if (fn !== 'GetChainInfo') return undefined;
    const info = new common.BlockchainInfo();
    info.setHeight(this.ledger.blockHeight);
    const response = new peer.Response();
    response.setStatus(200);
    response.setPayload(info.serializeBinary());
    const res = new gateway.EvaluateResponse();
    res.setResult(response);
    return res;
  }

  private endorse(req: gateway.EndorseRequest): gateway.EndorseResponse {
    const outcome = this.runChaincode(req.getProposedTransaction());
    if (!outcome.ok) {
      throw statusError(
        grpc.status.ABORTED,
        'failed to endorse transaction, see attached details for more info',
        [{ address: this.address, mspId: this.mspId, message: `chaincode response 500, ${outcome.message}` }],
      );
    }
    const chaincodeResponse = new peer.Response();
    chaincodeResponse.setStatus(200);
    chaincodeResponse.setPayload(Buffer.from(outcome.payload));
    const chaincodeAction = new peer.ChaincodeAction();
    chaincodeAction.setResponse(chaincodeResponse);
    const responsePayload = new peer.ProposalResponsePayload();
    responsePayload.setExtension$(chaincodeAction.serializeBinary());
    const endorsedAction = new peer.ChaincodeEndorsedAction();
    endorsedAction.setProposalResponsePayload(responsePayload.serializeBinary());
    const actionPayload = new peer.ChaincodeActionPayload();
    actionPayload.setAction(endorsedAction);
    const action = new peer.TransactionAction();
    action.setPayload(actionPayload.serializeBinary());
    const transaction = new peer.Transaction();
    transaction.setActionsList([action]);
    const channelHeader = new common.ChannelHeader();
    channelHeader.setChannelId(req.getChannelId());
    channelHeader.setTxId(req.getTransactionId());
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(transaction.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    const res = new gateway.EndorseResponse();
    res.setPreparedTransaction(envelope);
    return res;
  }

  private submit(req: gateway.SubmitRequest, fault: Fault | undefined): gateway.SubmitResponse {
    const envelope = req.getPreparedTransaction();
    this.ledger.receive(req.getTransactionId(), Buffer.from(envelope?.serializeBinary() ?? []), fault);
    return new gateway.SubmitResponse();
  }

  private async commitStatus(req: gateway.SignedCommitStatusRequest): Promise<gateway.CommitStatusResponse> {
    const request = gateway.CommitStatusRequest.deserializeBinary(req.getRequest_asU8());
    const committed = await this.ledger.whenCommitted(request.getTransactionId());
    const res = new gateway.CommitStatusResponse();
    res.setResult(committed.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
    res.setBlockNumber(committed.block);
    return res;
  }

  /** Serves filtered blocks from the requested position (peer Deliver service). */
  private deliverFiltered(call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>): void {
    this.calls.deliverFiltered++;
    const fault = this.takeFault('deliverFiltered');
    if (fault?.code !== undefined) {
      call.emit(
        'error',
        statusError(fault.code, fault.message ?? `injected ${grpc.status[fault.code]}`, fault.details ?? []),
      );
      return;
    }
    this.deliverStreams.add(call);
    let unsubscribe: () => void = () => undefined;
    const end = () => {
      unsubscribe();
      this.deliverStreams.delete(call);
    };
    call.on('cancelled', end);
    call.on('error', end);
    call.once('data', (envelope: common.Envelope) => {
      let next = seekStart(envelope, this.ledger.blockHeight) + (fault?.skipBlocks ?? 0);
      const channel = common.ChannelHeader.deserializeBinary(
        common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()?.getChannelHeader_asU8() ??
          new Uint8Array(),
      ).getChannelId();
      const pump = () => {
        if (!this.deliverStreams.has(call)) return;
        for (let b = this.ledger.blocks[next - 1]; b; b = this.ledger.blocks[next - 1]) {
          const block = new peer.FilteredBlock();
          block.setChannelId(channel);
          block.setNumber(b.number);
          block.setFilteredTransactionsList(
            b.txs.map((t) => {
              const tx = new peer.FilteredTransaction();
              tx.setTxid(t.txId);
              tx.setType(common.HeaderType.ENDORSER_TRANSACTION);
              tx.setTxValidationCode(t.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
              return tx;
            }),
          );
          const res = new peer.DeliverResponse();
          res.setFilteredBlock(block);
          call.write(res);
          next++;
        }
      };
      unsubscribe = this.ledger.onBlock(pump);
      pump();
    });
  }

  /** Streams events from the requested position, skipping up to after_transaction_id. */
  private chaincodeEvents(
    call: grpc.ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>,
  ): void {
    this.calls.chaincodeEvents++;
    const fault = this.takeFault('chaincodeEvents');
    if (fault?.code !== undefined) {
      // grpc-js ends a server stream with a status when 'error' is emitted on it.
      call.emit(
        'error',
        statusError(fault.code, fault.message ?? `injected ${grpc.status[fault.code]}`, fault.details ?? []),
      );
      return;
    }
    this.streams.add(call as grpc.ServerWritableStream<unknown, unknown>);
    const request = gateway.ChaincodeEventsRequest.deserializeBinary(call.request.getRequest_asU8());
    const start = request.getStartPosition();
    const startBlock = start?.hasSpecified()
      ? (start.getSpecified()?.getNumber() ?? 0)
      : Number.POSITIVE_INFINITY;
    const afterTx = this.replayStartBlock ? '' : request.getAfterTransactionId();
    let skipping = afterTx !== '';
    // With no specified start, deliver from the next block (the ledger height, as a peer does).
    let next = Number.isFinite(startBlock) ? startBlock : this.ledger.blockHeight;
    let index = 0;
    const pump = () => {
      while (index < this.ledger.events.length) {
        const e = this.ledger.events[index++];
        if (!e || e.block < next) continue;
        if (skipping) {
          if (e.block === startBlock) {
            if (e.txId === afterTx) skipping = false;
            continue;
          }
          skipping = false;
        }
        next = e.block;
        const event = new peer.ChaincodeEvent();
        event.setChaincodeId(request.getChaincodeId());
        event.setTxId(e.txId);
        event.setEventName(e.name);
        event.setPayload(Buffer.from(e.payload));
        const res = new gateway.ChaincodeEventsResponse();
        res.setBlockNumber(e.block);
        res.setEventsList([event]);
        call.write(res);
      }
    };
    const unsubscribe = this.ledger.onEvent(pump);
    call.on('cancelled', () => {
      unsubscribe();
      this.streams.delete(call as grpc.ServerWritableStream<unknown, unknown>);
    });
    call.on('close', unsubscribe);
    pump();
  }
}

/**
 * The peer Deliver service. Defined here rather than taken from
 * fabric-protos' generated one, whose serializers check `instanceof` and
 * refuse messages built from another copy of the generated classes (jest
 * can load more than one).
 */
const DELIVER_SERVICE: grpc.ServiceDefinition = Object.fromEntries(
  ['Deliver', 'DeliverFiltered', 'DeliverWithPrivateData'].map((name) => [
    name.charAt(0).toLowerCase() + name.slice(1),
    {
      path: `/protos.Deliver/${name}`,
      requestStream: true,
      responseStream: true,
      requestSerialize: (m: common.Envelope) => Buffer.from(m.serializeBinary()),
      requestDeserialize: (b: Buffer) => common.Envelope.deserializeBinary(new Uint8Array(b)),
      responseSerialize: (m: peer.DeliverResponse) => Buffer.from(m.serializeBinary()),
      responseDeserialize: (b: Buffer) => peer.DeliverResponse.deserializeBinary(new Uint8Array(b)),
    },
  ]),
);

/** The first block a Deliver seek asks for (Fabric: next commit = the ledger height, genesis included). */
function seekStart(envelope: common.Envelope, height: number): number {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const start = orderer.SeekInfo.deserializeBinary(payload.getData_asU8()).getStart();
  if (start?.hasSpecified()) return start.getSpecified()?.getNumber() ?? 0;
  if (start?.hasNewest()) return Math.max(height - 1, 1);
  if (start?.hasOldest()) return 1;
  return height;
}

/** The chaincode function and arguments of a signed proposal. */
function proposalArgs(signedProposal: peer.SignedProposal | undefined): string[] {
  const proposal = peer.Proposal.deserializeBinary(
    signedProposal?.getProposalBytes_asU8() ?? new Uint8Array(),
  );
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8());
  return (spec.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? []).map((a) =>
    Buffer.from(a).toString(),
  );
}

/** The transaction ID of a signed proposal. */
function proposalTxId(signedProposal: peer.SignedProposal | undefined): string {
  const proposal = peer.Proposal.deserializeBinary(
    signedProposal?.getProposalBytes_asU8() ?? new Uint8Array(),
  );
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  return common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()).getTxId();
}

/** The chaincode name a signed proposal invokes. */
function proposalChaincode(signedProposal: peer.SignedProposal | undefined): string {
  const proposal = peer.Proposal.deserializeBinary(
    signedProposal?.getProposalBytes_asU8() ?? new Uint8Array(),
  );
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const extension = peer.ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8());
  return extension.getChaincodeId()?.getName() ?? '';
}

/** A gRPC error carrying gateway ErrorDetails the way a Fabric peer sends them. */
function statusError(
  code: grpc.status,
  message: string,
  details: readonly { address: string; mspId: string; message: string }[],
): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (details.length > 0) {
    const status = new google.rpc.Status();
    status.setCode(code);
    status.setMessage(message);
    for (const d of details) {
      const detail = new gateway.ErrorDetail();
      detail.setAddress(d.address);
      detail.setMspId(d.mspId);
      detail.setMessage(d.message);
      const any = status.addDetails();
      any.setTypeUrl('type.googleapis.com/gateway.ErrorDetail');
      any.setValue(detail.serializeBinary());
    }
    metadata.set('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
  }
  return { code, details: message, metadata };
}
