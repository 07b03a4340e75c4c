import { Injectable } from '@nestjs/common';
import { RetentionPolicy, parseRetentionPolicy } from '@salon/clients/domain';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { RetentionPolicies } from '../retention/retention-policies';

export interface RetentionPolicyWriteResult {
  readonly policy: RetentionPolicy;
  readonly revision: bigint | undefined;
}

/** The owner saves the chain's whole retention policy (each category off unless given). */
@Injectable()
export class SetRetentionPolicy {
  constructor(private readonly policies: RetentionPolicies) {}

  async execute(context: CommandContext, input: Partial<Record<keyof RetentionPolicy, number | null>>, expectedRevision?: bigint): Promise<RetentionPolicyWriteResult> {
    const policy = parseRetentionPolicy(input);
    const result = await this.policies.record(
      context.principal.tenantId,
      { type: 'SetRetentionPolicy', data: { policy }, metadata: commandMetadata(context) },
      expectedRevision,
    );
    return { policy: result.state.policy, revision: result.revision };
  }
}
