import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateIf, ValidateNested } from 'class-validator';
import { createValidationPipe, InvalidRequestException } from './validation';

class NoteRequest {
  @IsOptional()
  @IsString()
  text?: string;
}

class HoldRequest {
  @IsOptional()
  @IsString()
  reference?: string;

  /** null means "never": the field says so with a ValidateIf of its own. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  until?: string | null;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => NoteRequest)
  notes?: NoteRequest[];
}

const body: ArgumentMetadata = { type: 'body', metatype: HoldRequest };

async function refusal(value: object): Promise<unknown> {
  try {
    await createValidationPipe().transform(value, body);
  } catch (error) {
    if (error instanceof InvalidRequestException) return error.fieldErrors;
    throw error;
  }
  throw new Error('accepted');
}

describe('the validation pipe and null', () => {
  it('refuses null for an optional field, naming it (the use cases take it as absent or of its type)', async () => {
    await expect(refusal({ reference: null })).resolves.toEqual([{ field: 'reference', reason: 'must not be null: leave the field out instead' }]);
    await expect(refusal({ notes: [{ text: 'a' }, { text: null }] })).resolves.toEqual([{ field: 'notes.1.text', reason: 'must not be null: leave the field out instead' }]);
  });

  it('takes null where a field says what it means (ValidateIf), and a missing field', async () => {
    await expect(createValidationPipe().transform({ until: null }, body)).resolves.toEqual(Object.assign(new HoldRequest(), { until: null }));
    await expect(createValidationPipe().transform({}, body)).resolves.toBeInstanceOf(HoldRequest);
  });
});

describe('the validation pipe and a body that is no object', () => {
  it('refuses a JSON array where the route takes an object, an empty one too (class-validator alone lets [] through)', async () => {
    await expect(refusal([])).resolves.toEqual([{ field: 'body', reason: 'must be a JSON object' }]);
    await expect(refusal([{ reference: 'a' }])).resolves.toEqual([{ field: 'body', reason: 'must be a JSON object' }]);
  });
});
