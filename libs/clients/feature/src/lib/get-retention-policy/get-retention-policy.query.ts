import { Injectable } from '@nestjs/common';
import { RetentionPolicy } from '@salon/clients/domain';
import { RetentionPolicies } from '../retention/retention-policies';

/** The chain's policy from its own stream (a handful of events): all off until the owner saves one. */
@Injectable()
export class GetRetentionPolicy {
  constructor(private readonly policies: RetentionPolicies) {}

  async execute(tenantId: string): Promise<{ policy: RetentionPolicy; revision: bigint | undefined }> {
    const { state, revision } = await this.policies.load(tenantId);
    return { policy: state.policy, revision };
  }
}
