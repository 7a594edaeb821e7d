/**
 * One mode of dispatch-bench.ts, in its own process (see there). Started
 * with FABPAY_CHAINCODE_DISPATCH set; reports its figures over IPC, because
 * its stdout is fabric-shim's log.
 */
// First, as in server.ts: the dispatch mode and fabric-shim's logging, before fabric-shim loads.
import { SERVER_DISPATCH } from '../src/server-setup';
import { EventEmitter } from 'node:events';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { contracts, serializers } from '../src/index';
import { GuardedChaincode } from '../src/guard';
import { configureEndorser } from '../src/endorser';
import { funded } from '../src/testing/fixtures';
import { MemoryLedger, MemoryStub } from '../src/testing/memory-ledger';
import type { TestIdentity } from '../src/testing/identities';

// fabric-shim's handler module and google-protobuf's Timestamp have no type declarations we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ChaincodeMessageHandler } = require('fabric-shim/lib/handler') as {
  ChaincodeMessageHandler: new (
    stream: EventEmitter,
    chaincode: unknown,
  ) => {
    chat(start: peer.ChaincodeMessage): void;
  };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as {
  Timestamp: new () => { setSeconds(s: number): void; setNanos(n: number): void };
};

const WARMUP = 500;
const T = peer.ChaincodeMessage.Type;

interface Run {
  cpuUsPerPay: number;
  wallUsPerPay: number;
  peerUsPerPay?: number;
}

/** Times a loop of `n` calls of `one` (after `WARMUP` untimed ones). */
async function measure(n: number, one: (i: number) => Promise<void>, peerMs?: () => number): Promise<Run> {
  for (let i = 0; i < WARMUP; i++) await one(-1 - i);
  const peer0 = peerMs?.() ?? 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < n; i++) await one(i);
  const wall = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const peerUs = peerMs ? (peerMs() - peer0) * 1000 : 0;
  const run: Run = { cpuUsPerPay: (cpu.user + cpu.system - peerUs) / n, wallUsPerPay: (wall * 1000) / n };
  if (peerMs) run.peerUsPerPay = peerUs / n;
  return run;
}

const payArgs = (i: number, run: number) => ['pay', `b${run}-${i}`, 'A', 'M', '1', 'USD', 'bench'];

/**
 * A peer's side of the chaincode stream, simulated: registers the chaincode,
 * sends transactions as the peer does (ChaincodeInput plus SignedProposal)
 * and answers state requests from committed state, as a peer simulating
 * without read-your-writes does.
 */
class SimulatedPeer extends EventEmitter {
  /** Milliseconds spent in this class's own work (excluded from the chaincode's CPU). */
  busyMs = 0;
  private pending = new Map<string, (r: peer.Response) => void>();

  constructor(private readonly ledger: MemoryLedger) {
    super();
  }

  /** Called by fabric-shim for each message it sends. */
  write(msg: peer.ChaincodeMessage): boolean {
    const t0 = performance.now();
    const type = msg.getType();
    let reply: peer.ChaincodeMessage[] = [];
    if (type === T.REGISTER) {
      reply = [this.message(T.REGISTERED, '', new Uint8Array()), this.message(T.READY, '', new Uint8Array())];
    } else if (type === T.GET_STATE) {
      const key = peer.GetState.deserializeBinary(msg.getPayload_asU8()).getKey();
      reply = [this.message(T.RESPONSE, msg.getTxid(), this.ledger.get(key)?.value ?? new Uint8Array())];
    } else if (type === T.GET_STATE_METADATA) {
      reply = [this.message(T.RESPONSE, msg.getTxid(), new peer.StateMetadataResult().serializeBinary())];
    } else if (type === T.PUT_STATE || type === T.DEL_STATE || type === T.PUT_STATE_METADATA) {
      reply = [this.message(T.RESPONSE, msg.getTxid(), new Uint8Array())];
    } else if (type === T.COMPLETED) {
      const done = this.pending.get(msg.getTxid());
      this.pending.delete(msg.getTxid());
      done?.(peer.Response.deserializeBinary(msg.getPayload_asU8()));
    } else {
      throw new Error(`simulated peer: unexpected message type ${type}`);
    }
    for (const r of reply) {
      setImmediate(() => this.emit('data', r));
    }
    this.busyMs += performance.now() - t0;
    return true;
  }

  /** Sends a transaction proposal; resolves with the chaincode's response. */
  invoke(txId: string, who: TestIdentity, args: string[], at: Date): Promise<peer.Response> {
    const t0 = performance.now();
    const input = new peer.ChaincodeInput();
    input.setArgsList(args.map((a) => Buffer.from(a, 'utf8')));
    const creator = new msp.SerializedIdentity();
    creator.setMspid(who.mspid);
    creator.setIdBytes(who.idBytes);
    const sigHeader = new common.SignatureHeader();
    sigHeader.setCreator(creator.serializeBinary());
    sigHeader.setNonce(Buffer.alloc(24, 7));
    const ts = new Timestamp();
    ts.setSeconds(Math.floor(at.getTime() / 1000));
    ts.setNanos((at.getTime() % 1000) * 1e6);
    const chHeader = new common.ChannelHeader();
    chHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
    chHeader.setChannelId('payments');
    chHeader.setTxId(txId);
    chHeader.setTimestamp(ts as never);
    const header = new common.Header();
    header.setChannelHeader(chHeader.serializeBinary());
    header.setSignatureHeader(sigHeader.serializeBinary());
    const payload = new peer.ChaincodeProposalPayload();
    payload.setInput(input.serializeBinary());
    const proposal = new peer.Proposal();
    proposal.setHeader(header.serializeBinary());
    proposal.setPayload(payload.serializeBinary());
    const signed = new peer.SignedProposal();
    signed.setProposalBytes(proposal.serializeBinary());
    signed.setSignature(Buffer.alloc(72, 1));
    const msg = this.message(T.TRANSACTION, txId, input.serializeBinary());
    msg.setProposal(signed);
    const done = new Promise<peer.Response>((resolve) => this.pending.set(txId, resolve));
    setImmediate(() => this.emit('data', msg));
    this.busyMs += performance.now() - t0;
    return done;
  }

  private message(type: number, txId: string, payload: Uint8Array): peer.ChaincodeMessage {
    const m = new peer.ChaincodeMessage();
    m.setType(type as peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap]);
    m.setTxid(txId);
    m.setChannelId('payments');
    m.setPayload(payload);
    return m;
  }
}

async function main(): Promise<void> {
  const payments = Number(process.argv[2] ?? 3000);
  const runs = Number(process.argv[3] ?? 3);
  const { f, c } = await funded();
  const chaincode = new GuardedChaincode([...contracts], serializers, {}, 'bench', '0', {
    dispatch: SERVER_DISPATCH,
  });
  configureEndorser({ now: () => f.now.getTime(), genesisSha256: f.genesisSha256 });

  const memory: Run[] = [];
  for (let run = 0; run < runs; run++) {
    memory.push(
      await measure(payments, async (i) => {
        const stub = new MemoryStub(
          f.ledger,
          `m${run}-${i}`,
          f.now,
          { mspid: c.alice.mspid, idBytes: c.alice.idBytes },
          payArgs(i, run),
        );
        const r = await chaincode.invokeFunctionality(stub);
        if (r.status !== 200) throw new Error(r.message);
      }),
    );
  }

  const sim = new SimulatedPeer(f.ledger);
  const handler = new ChaincodeMessageHandler(sim, chaincode);
  const start = new peer.ChaincodeMessage();
  start.setType(T.REGISTER);
  handler.chat(start);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const shim: Run[] = [];
  for (let run = 0; run < runs; run++) {
    shim.push(
      await measure(
        payments,
        async (i) => {
          const r = await sim.invoke(`s${run}-${i}`, c.alice, payArgs(i, run), f.now);
          if (r.getStatus() !== 200) throw new Error(r.getMessage());
        },
        () => sim.busyMs,
      ),
    );
  }
  process.send?.({
    mode: SERVER_DISPATCH,
    payments,
    memory,
    shim,
    shimTransactions: runs * (payments + WARMUP),
  });
  process.disconnect?.();
}

void main();
