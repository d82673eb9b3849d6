// Side-effect module: imported first by `./health` so a missing Terminus or Nest is reported by name.
import { NEST_PEERS, requirePeers } from '../peer-check.js';

requirePeers('nestjs-kafka-channels/health', [...NEST_PEERS, '@nestjs/terminus']);
