/*
 * Resident memory taken by oneDNN matmul primitives (libtorch_cpu.so's oneDNN 3.7), created for the
 * few-row products of ARPG-L decoding: rows 2, 4, ..., 30 against seven weight panels. V=0: the
 * SDK's panel shapes and output strides (105 distinct primitives); V=1: every panel 1024 wide, the
 * output strides kept; V=2: one shape and stride (15 distinct, the rest found in oneDNN's cache).
 * With an argument the primitives take a user scratchpad (to see its size). docs/benchmarks.md,
 * session 19:
 *
 * D=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
 * gcc -O2 docs/machine-probes/onednn_primitive_memory.c -o /tmp/primprobe -ldl
 * for v in 0 1 2; do V=$v LIB=$D/libtorch_cpu.so LD_LIBRARY_PATH=$D /tmp/primprobe; done
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <dlfcn.h>
typedef void* P; typedef int st;
static char* base;
static P sym(const char* name){ char cmd[512]; snprintf(cmd,sizeof cmd,"nm %s | grep ' t %s$' | cut -d' ' -f1",getenv("LIB"),name);
  FILE*f=popen(cmd,"r"); char buf[64]={0}; fgets(buf,64,f); pclose(f); unsigned long off=strtoul(buf,0,16); if(!off){printf("no %s\n",name);exit(1);} return base+off;}
static long rss(){FILE*f=fopen("/proc/self/status","r");char l[256];long v=0;while(fgets(l,256,f))if(!strncmp(l,"VmRSS",5))v=atol(l+6);fclose(f);return v;}
int main(int argc,char**argv){
  void*h=dlopen(getenv("LIB"),RTLD_NOW|RTLD_GLOBAL); Dl_info info; dladdr(dlsym(h,"cblas_sgemm_pack"),&info); base=info.dli_fbase;
  st (*engine_create)(P*,int,size_t)=sym("dnnl_engine_create");
  st (*md_strides)(P*,int,const int64_t*,int,const int64_t*)=sym("dnnl_memory_desc_create_with_strides");
  st (*md_tag)(P*,int,const int64_t*,int,int)=sym("dnnl_memory_desc_create_with_tag");
  st (*matmul_pd)(P*,P,P,P,P,P,P)=sym("dnnl_matmul_primitive_desc_create");
  P (*query_md)(P,int,int)=sym("dnnl_primitive_desc_query_md");
  size_t (*md_size)(P)=sym("dnnl_memory_desc_get_size");
  st (*prim_create)(P*,P)=sym("dnnl_primitive_create");
  st (*attr_create)(P*)=sym("dnnl_primitive_attr_create");
  st (*attr_mode)(P,int)=sym("dnnl_primitive_attr_set_scratchpad_mode");
  P eng; engine_create(&eng,1,0);
  int user=argc>1; P attr=0; if(user){attr_create(&attr); attr_mode(attr,1);}
  long r0=rss(); size_t maxs=0; int n=0;
  int variant=atoi(getenv("V")); int shapes[7][3]; for(int i=0;i<7;i++){ int all[7][3]={{1024,1536,3072},{1024,1024,1024},{1024,1920,5632},{1024,1792,5632},{2816,512,1024},{1024,2048,2048},{1024,2048,16384}}; if(variant==0){memcpy(shapes[i],all[i],12);} else if(variant==1){shapes[i][0]=1024;shapes[i][1]=1024;shapes[i][2]=all[i][2]<1024?1024:all[i][2];} else {shapes[i][0]=1024;shapes[i][1]=1024;shapes[i][2]=1024;} }
  for(int M=2;M<=(variant==2?30:30);M+=2) for(int s=0;s<7;s++){int K=shapes[s][0],N=shapes[s][1],S=shapes[s][2];
    int64_t sd[2]={M,K},ss[2]={K,1},dd[2]={M,N},ds[2]={S,1},wd[2]={K,N}; P smd,dmd,wany; md_strides(&smd,2,sd,3,ss); md_strides(&dmd,2,dd,3,ds); md_tag(&wany,2,wd,3,1);
    P pd; matmul_pd(&pd,eng,smd,wany,0,dmd,attr); size_t sz=md_size(query_md(pd,255,80)); if(sz>maxs)maxs=sz; P prim; prim_create(&prim,pd); n++;}
  printf("user=%d primitives %d rss +%ld kB, max scratchpad %zu bytes\n",user,n,rss()-r0,maxs);
}
