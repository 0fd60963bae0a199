import type { Rng } from './people.ts';

/** A small record shop: the demo's catalog (fictional artists and albums). */
const artists = ['Shahram Nazeri Ensemble', 'Kayhan Trio', 'Desert Wind', 'Nour Quartet', 'The Tehran Strings', 'Blue Caspian', 'Zagros Folk', 'Midnight Oud', 'Sahel Jazz', 'Northern Lights'];
const albums = ['Morning Road', 'Saffron', 'Night Market', 'Old Bazaar', 'Rain in Rasht', 'Silk Letters', 'Golden Hour', 'Homecoming', 'Persian Garden', 'City of Wind', 'Quiet Harbour', 'Winter Songs'];
const genres = ['Classical', 'Jazz', 'Folk', 'Pop', 'World', 'Rock'];

export interface DemoProduct {
  id: string;
  name: string;
  category: string;
  cents: number;
}

export function demoCatalog(): DemoProduct[] {
  const products: DemoProduct[] = [];
  for (let i = 0; i < 48; i++) {
    products.push({
      id: `cd-${String(i + 1).padStart(3, '0')}`,
      name: `${albums[i % albums.length]} — ${artists[(i * 7) % artists.length]}`,
      category: genres[i % genres.length] as string,
      cents: 999 + ((i * 137) % 9) * 100,
    });
  }
  return products;
}

export const pickProduct = (rng: Rng, catalog: DemoProduct[]) => catalog[Math.floor(rng() * catalog.length)] as DemoProduct;
