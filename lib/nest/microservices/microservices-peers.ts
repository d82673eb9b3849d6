// Side-effect module: imported first by `./microservices` so a missing @nestjs/microservices (an optional peer) is reported by name.
import { NEST_PEERS, requirePeers } from '../peer-check.js';

requirePeers('nestjs-kafka-channels/microservices', [...NEST_PEERS, '@nestjs/microservices']);
