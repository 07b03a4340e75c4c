import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const splitList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;

/**
 * The clients service's environment. Property names are the variable names; README lists
 * them and docker-compose.yml sets them (a test keeps the three in step).
 */
export class ClientsServiceConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3001;

  /** Loopback by default: nothing is exposed unless a deployment says so. */
  @IsString()
  @IsNotEmpty()
  HOST: string = '127.0.0.1';

  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'must be a mongodb:// connection string' })
  MONGO_URL!: string;

  @Transform(splitList)
  @IsString({ each: true })
  @Matches(/^[^:\s]+:\d+$/, { each: true, message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string[];

  /** EventStoreDB connection string (esdb://...). Unset: the embedded store at EVENTSTORE_PATH. */
  @IsOptional()
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/.+/, { message: 'must be an esdb:// connection string' })
  EVENTSTORE_URL?: string;

  @IsString()
  @IsNotEmpty()
  EVENTSTORE_PATH: string = '.local/data/eventstore/clients.db';

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}
