// Side-effect module: imported first by the root entry so a missing Nest package is reported by name.
import { NEST_PEERS, requirePeers } from './peer-check.js';

requirePeers('nestjs-kafka-channels', NEST_PEERS);
