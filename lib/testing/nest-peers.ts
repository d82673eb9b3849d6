// Side-effect module: imported first by `./testing` (KafkaTestingModule needs Nest).
import { NEST_PEERS, requirePeers } from '../nest/peer-check.js';

requirePeers('nestjs-kafka-channels/testing', NEST_PEERS);
