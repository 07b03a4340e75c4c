import { clientKey, salonDayKey, salonDayMemberKey } from './bi.documents';

describe('BI document ids', () => {
  it('are the parts joined with | when no part holds | or %, as before the escaping (stored read models stay valid)', () => {
    expect(salonDayKey('chain-main', 's1', '2025-11-05')).toBe('chain-main|s1|2025-11-05');
    expect(salonDayMemberKey('chain-main', 's1', '2025-11-05', 'sp-ann')).toBe('chain-main|s1|2025-11-05|sp-ann');
    expect(clientKey('chain-main', 'client-a')).toBe('chain-main|client-a');
  });

  it('escape | and % in the parts, so that different parts never give one id', () => {
    // Salon "s1|2025-11-05" on the 6th with specialist "sp", and salon "s1" on the 5th with specialist "2025-11-06|sp".
    const movedPipe = salonDayMemberKey('chain-main', 's1|2025-11-05', '2025-11-06', 'sp');
    const other = salonDayMemberKey('chain-main', 's1', '2025-11-05', '2025-11-06|sp');
    expect(movedPipe).not.toBe(other);
    expect(movedPipe).toBe('chain-main|s1%7C2025-11-05|2025-11-06|sp');
    expect(clientKey('a|b', 'c')).not.toBe(clientKey('a', 'b|c'));
    // The escape character itself is escaped: "%7C" as an id is not the escaped "|".
    expect(salonDayKey('t', '%7C', 'd')).not.toBe(salonDayKey('t', '|', 'd'));
  });
});
