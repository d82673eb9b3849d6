import { IsISO8601, IsNotEmpty, IsString, IsUUID } from 'class-validator';
import type { SampleEvent } from './event.schema.js';

/** The consumed event as a validated DTO: `ValidationPipe` checks each decoded event against it. */
export class SampleEventDto implements SampleEvent {
  @IsUUID()
  id!: string;

  @IsString()
  @IsNotEmpty()
  message!: string;

  @IsISO8601()
  createdAt!: string;
}
