import { useQuery } from '@tanstack/react-query';
import { firstPaint } from '../app/query.js';

export function useHostStatus() {
  return useQuery(firstPaint.status);
}

export function useSettings() {
  return useQuery(firstPaint.settings);
}
